# Gantry template: a server started by the model's own command ({{server}} on {{platform}}): an
# OpenAI-compatible server, speech recognition, embeddings, text to speech or any custom command.
# Rendered by `gantry build`; see `gantry build --print-dockerfile` for the file a build uses.
ARG BASE_IMAGE={{base_image}}

# Dependencies from requirements.txt (pip) and package-lock.json (npm), installed in their own stage
# so the final image carries no package caches or build tools. Each is skipped when its file is absent.
FROM ${BASE_IMAGE} AS deps
COPY model/model.yml model/requirements*.txt model/package*.json /gantry/deps/
WORKDIR /gantry/deps
RUN {{pip_cache_mount}}mkdir -p /gantry/site node_modules && if [ -s requirements.txt ]; then python3 -m pip install --no-compile --target /gantry/site -r requirements.txt; fi
RUN {{npm_cache_mount}}if [ -s package-lock.json ]; then npm ci --omit=dev --no-audit --no-fund; fi

FROM ${BASE_IMAGE}
{{env}}
RUN {{create_user}}
COPY --from=deps /gantry/site /opt/gantry/site
COPY --from=deps /gantry/deps/node_modules /app/node_modules
{{weights}}
COPY model/ /app/
WORKDIR /app
USER {{user}}
EXPOSE {{port}}
{{healthcheck}}
ENTRYPOINT {{entrypoint}}
CMD {{cmd}}
{{labels}}
