# Gantry template: {{server_title}} on {{platform}}, from its upstream image. That image already holds
# the server and its accelerator libraries (one copy of them), so this adds only a user, the weights,
# the health check and labels.
# Rendered by `gantry build`; see `gantry build --print-dockerfile` for the file a build uses.
ARG BASE_IMAGE={{base_image}}

FROM ${BASE_IMAGE}
{{env}}
RUN {{create_user}}
{{weights}}
WORKDIR /home/gantry
USER {{user}}
EXPOSE {{port}}
{{healthcheck}}
ENTRYPOINT {{entrypoint}}
CMD {{cmd}}
{{labels}}
