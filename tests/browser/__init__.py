"""Browser tests: the tutorial driven through JupyterLab in headless Chromium."""
