#!/usr/bin/env python
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    # tenants/ lives beside backend/ at the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
