"""The web's plumbing: pages and partials, error pages, security headers, static assets and the PWA."""
