#!/usr/bin/env python3
"""Writes a deterministic synthetic tree of agent configs and noise files.

usage: gen_tree.py OUT_DIR CONFIGS [SEED]

Each "repository" holds six agent configs (MCP client configs, Claude Code
settings, Codex config, .env) and three noise files per config (source,
docs, package metadata), as issue 16's trees have them: a scan walks past
far more files than it reads. Fake tokens are planted in about one config
in ten, so the scan does real detection work.
"""
import os
import random
import sys

out, configs = sys.argv[1], int(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def token():
    return "ghp_" + "".join(rng.choice(ALNUM) for _ in range(36))


def mcp(planted):
    env = f'"GITHUB_PERSONAL_ACCESS_TOKEN": "{token()}"' if planted else '"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}"'
    pin = "" if rng.random() < 0.5 else "@2025.4.8"
    return (
        '{\n  "mcpServers": {\n'
        f'    "github": {{ "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github{pin}"], "env": {{ {env} }} }},\n'
        f'    "fs": {{ "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "{rng.choice(["/", "~", "./src", "/Users/dev/work"])}"] }},\n'
        '    "docs": { "type": "http", "url": "https://docs.example.com/mcp", "headers": { "Authorization": "Bearer ${DOCS_TOKEN}" } }\n'
        "  }\n}\n"
    )


def settings():
    allow = rng.sample(['"Bash(npm run test:*)"', '"Bash"', '"Read(./src/**)"', '"mcp__github"', '"WebFetch"'], 3)
    mode = rng.choice(["default", "acceptEdits", "bypassPermissions", "plan"])
    return f'{{ "permissions": {{ "allow": [{", ".join(allow)}], "defaultMode": "{mode}" }} }}\n'


def codex():
    return f'approval_policy = "{rng.choice(["never", "on-request"])}"\nsandbox_mode = "workspace-write"\n\n[mcp_servers.docs]\ncommand = "uvx"\nargs = ["docs-mcp==0.4.2"]\n'


KINDS = [
    (".mcp.json", lambda p: mcp(p)),
    (".cursor/mcp.json", lambda p: mcp(p)),
    (".vscode/mcp.json", lambda p: "// team servers\n" + mcp(p)),
    (".claude/settings.json", lambda p: settings()),
    (".codex/config.toml", lambda p: codex()),
    (".env", lambda p: f"OPENAI_API_KEY={'sk-proj-' + 'x' * 60 if p else 'changeme'}\nLOG_LEVEL=info\n"),
]
written = 0
repo = 0
while written < configs:
    base = os.path.join(out, f"org{repo // 100}", f"repo{repo}")
    for rel, make in KINDS:
        if written >= configs:
            break
        path = os.path.join(base, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(make(rng.random() < 0.1))
        written += 1
    noise = ["README.md", "src/main.py", "src/app.ts", "src/util.py", "docs/guide.md", "package.json"]
    for i in range(3 * len(KINDS)):
        name = noise[i % len(noise)]
        stem, ext = os.path.splitext(name)
        path = os.path.join(base, f"{stem}{i // len(noise) or ''}{ext}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(f"# noise {rng.random()}\n" * 20)
    repo += 1
