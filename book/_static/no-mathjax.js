/* Local stand-in for MathJax (see book/_config.yml): this book loads nothing from other hosts and does not typeset math. */
