# One image for every k8s-experts service; compose.yaml picks the subcommand.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev
USER node
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["--help"]
