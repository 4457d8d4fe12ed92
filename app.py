"""`python app.py`: index corpus/ if the index is empty, then serve the Briefing chat UI on
http://127.0.0.1:7860 (RAG_HOST, RAG_PORT; RAG_AUTH="user:password" to require a login)."""

import logging
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def main() -> int:
    from rag import Assistant, BriefingError, Settings, logs
    from rag.ui.layout import auth_pair, build_app, launch

    logs.setup(verbose=True)  # ours at INFO (one line per request), other libraries at WARNING
    try:  # a bad RAG_* value (SettingsError) or RAG_AUTH: one line, exit 2
        settings = Settings()
        auth_pair(settings)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    assistant = Assistant(settings)
    try:
        report = assistant.ensure_corpus()
    except BriefingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if report is not None:
        logging.info("indexed %s: %d added, %d failed", settings.corpus_dir, report.added, len(report.failed))
    launch(build_app(assistant, settings), settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
