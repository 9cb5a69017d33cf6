"""sdkgen: typed Python SDKs for JSON:API services, from their OpenAPI description."""

__version__ = "0.1.0"
