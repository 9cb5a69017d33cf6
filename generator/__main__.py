import sys

try:
    from .cli import run
except KeyboardInterrupt:  # Ctrl-C while the command line itself was still being imported
    sys.stderr.write("sdkgen: interrupted; the output folder was left as it was\n")
    raise SystemExit(130) from None
run()
