"""`python -m vidgen` (also what torchrun/accelerate launch with `-m vidgen`)."""

from vidgen.cli import main

if __name__ == "__main__":
    main()
