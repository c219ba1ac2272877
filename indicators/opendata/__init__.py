"""The open-data side: approved figures as an HTTP API under /api/v1/, served by the app's own
process (app.py mounts `routes.routes()` next to Streamlit with st.App).

One small module per output, as Open SDG's sdg-build has one class per output format:
- problems: errors as RFC 9457 problem details (400 names the parameter, 404 the thing)
- params: query parameters -> validated values, or a problem
- resources: what each endpoint holds, read through indicators.store (approved figures only)
- json_out, csv_out: a table as JSON or as formula-safe UTF-8 CSV, whole or in chunks
- datapackage: the Frictionless Data Package (descriptor, and a ZIP streamed batch by batch)
- dcat: the DCAT-AP record (JSON-LD) a CKAN portal harvests, in fi, sv and en
- openapi: the OpenAPI 3.1 description of every endpoint
- routes: HTTP itself: ETag from the data version, 304, caching, CORS, gzip, downloads

Nothing here imports streamlit: the app hands `routes()` its cached connection.
"""
