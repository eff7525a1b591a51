"""Progress toward the programme's goals (``/progres``): published figures, pace, projects, jobs."""
