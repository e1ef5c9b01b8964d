from .console import main

if __name__ == "__main__":  # a worker process started with "spawn" imports this module again
    main()
