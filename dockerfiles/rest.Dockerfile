# Gantry template: plain REST model ({{platform}}). A Python model.py with a Model class, served by
# Gantry's REST server (POST /predict, GET /status, GET /info). Rendered by `gantry build`; see
# `gantry build --print-dockerfile` for the file a build uses.
ARG BASE_IMAGE={{base_image}}

# Python packages the model lists in requirements.txt, installed in their own stage so the final image
# carries neither pip's cache nor build tools. Skipped when there is no requirements.txt.
FROM ${BASE_IMAGE} AS deps
COPY model/model.yml model/requirements*.txt /gantry/deps/
RUN {{pip_cache_mount}}mkdir -p /gantry/site && if [ -s /gantry/deps/requirements.txt ]; then python3 -m pip install --no-compile --target /gantry/site -r /gantry/deps/requirements.txt; fi

FROM ${BASE_IMAGE}
{{env}}
RUN {{create_user}}
COPY --from=deps /gantry/site /opt/gantry/site
{{weights}}
COPY gantry/rest_server.py /opt/gantry/rest_server.py
COPY model/ /app/
WORKDIR /app
USER {{user}}
EXPOSE {{port}}
{{healthcheck}}
ENTRYPOINT {{entrypoint}}
CMD {{cmd}}
{{labels}}
