"""The generated SDK's runtime: hand-written, tested once here, copied into every SDK.

Every module in this folder except this one is copied verbatim (behind a header) into the
generated package. They import only each other, relatively, plus httpx and pydantic.
"""
