import sys

try:
    from .cli import main

    code = main()
except KeyboardInterrupt:  # Ctrl-C while the command line itself was still being imported
    sys.stderr.write("sdkgen: interrupted; the output folder was left as it was\n")
    code = 130
raise SystemExit(code)
