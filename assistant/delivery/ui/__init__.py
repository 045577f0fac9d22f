"""The browser chat UI (Gradio)."""
