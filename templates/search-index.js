// The search index of the guide, built with the site.
window.LEGWORK_SEARCH = {{ json_records("search", entries) }};
