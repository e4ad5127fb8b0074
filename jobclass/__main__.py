from jobclass.cli import main

main()
