"""The code of each entry type: how its front matter reads, its page, its data
record and schema, its JSON-LD and the stub `new` writes. The types themselves
are declared in `legwork.registry`."""
