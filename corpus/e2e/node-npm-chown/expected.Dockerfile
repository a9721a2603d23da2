FROM localhost/node:18
RUN useradd --create-home app
COPY --chown=app:app package.json package-lock.json /home/app/src/
WORKDIR /home/app/src
USER app
RUN npm ci
COPY --chown=app:app . /home/app/src
CMD ["node", "index.js"]
