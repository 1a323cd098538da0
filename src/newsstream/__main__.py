from newsstream.cli import main

main()
