"""Operations: benchmarks (ops.bench), deployment configuration (nginx, gunicorn, systemd)."""
