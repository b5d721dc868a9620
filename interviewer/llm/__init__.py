"""Chat-model adapters: an OpenAI-compatible endpoint and a scripted fake (the port: `interviewer.ports`)."""
