from tochuc.cli import main

raise SystemExit(main())
