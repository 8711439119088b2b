"""Between the documents and the renderers: the jinja2 environment (``templating``), the block
model both renderers consume (``blocks``) and the data behind figures (``figures``)."""
