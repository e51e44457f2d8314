//! How a stdio server is launched: the launcher, the package and its pinning,
//! a container image and its flags. Reads `command` + `args` as a shell would
//! see them; runs nothing.

/// What a command line says about the code it runs.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Launch {
    /// npx, uvx, pipx, docker, node, python, … (the program after wrappers).
    pub launcher: String,
    /// Index into args of the program's own first argument.
    pub rest: usize,
    pub package: Option<Package>,
    pub image: Option<Image>,
    /// Risky container flags: (what, index of the arg that says it).
    pub container_risks: Vec<(&'static str, usize)>,
    /// `-e KEY=VALUE` style environment passed on the command line: arg index.
    pub env_args: Vec<usize>,
    /// A remote URL bridged to stdio (`npx mcp-remote https://…`): arg index.
    pub remote_url: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Package {
    pub registry: &'static str,
    pub name: String,
    pub version: Option<String>,
    pub pinned: bool,
    /// Index of the arg that names it.
    pub arg: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Image {
    pub name: String,
    pub reference: String,
    /// digest, tag, latest or none
    pub pin: &'static str,
    pub arg: usize,
}

const NPX_VALUE_FLAGS: &[&str] = &["-p", "--package", "--registry", "--cache", "--userconfig", "-c", "--call"];
const UVX_VALUE_FLAGS: &[&str] = &[
    "--from",
    "--with",
    "--python",
    "-p",
    "--index-url",
    "--extra-index-url",
    "--index",
    "--directory",
    "--with-requirements",
    "--constraint",
    "--refresh-package",
];
const DOCKER_VALUE_FLAGS: &[&str] = &[
    "-e",
    "--env",
    "-v",
    "--volume",
    "--mount",
    "--network",
    "--net",
    "-p",
    "--publish",
    "--name",
    "-u",
    "--user",
    "-w",
    "--workdir",
    "--entrypoint",
    "--env-file",
    "--cap-add",
    "--cap-drop",
    "--pid",
    "--ipc",
    "--platform",
    "-l",
    "--label",
    "--add-host",
    "--device",
    "--security-opt",
    "-h",
    "--hostname",
    "-m",
    "--memory",
    "--cpus",
    "--restart",
    "--gpus",
    "--userns",
    "--uts",
    "--log-driver",
    "--tmpfs",
    "--ulimit",
    "--dns",
    "--pull",
    "--cidfile",
    "--group-add",
];

pub(super) fn parse(command: &str, args: &[String]) -> Launch {
    // Unwrap `cmd /c npx …` and `bash -c "…"`-less wrappers: take the program.
    let program = base_name(command);
    if (program == "cmd" || program == "cmd.exe")
        && args.first().is_some_and(|a| a.eq_ignore_ascii_case("/c"))
        && args.len() > 1
    {
        let mut launch = parse(&args[1], &args[2..]);
        shift(&mut launch, 2);
        return launch;
    }
    let mut launch = Launch { launcher: program.clone(), ..Launch::default() };
    match program.as_str() {
        "npx" | "bunx" | "pnpx" => npm_exec(&mut launch, args, 0),
        "pnpm" | "yarn" | "npm" if args.first().is_some_and(|a| a == "dlx" || a == "exec" || a == "x") => {
            npm_exec(&mut launch, args, 1)
        }
        "uvx" => python_exec(&mut launch, args, 0),
        "uv" if args.iter().take(2).any(|a| a == "tool") && args.iter().any(|a| a == "run") => {
            let start = args.iter().position(|a| a == "run").map_or(0, |i| i + 1);
            python_exec(&mut launch, args, start);
        }
        "pipx" if args.first().is_some_and(|a| a == "run") => python_exec(&mut launch, args, 1),
        "docker" | "podman" | "nerdctl" => container(&mut launch, args),
        _ => {}
    }
    launch
}

fn shift(launch: &mut Launch, by: usize) {
    launch.rest += by;
    if let Some(p) = &mut launch.package {
        p.arg += by;
    }
    if let Some(i) = &mut launch.image {
        i.arg += by;
    }
    for (_, i) in &mut launch.container_risks {
        *i += by;
    }
    for i in &mut launch.env_args {
        *i += by;
    }
    if let Some(i) = &mut launch.remote_url {
        *i += by;
    }
}

fn base_name(command: &str) -> String {
    let name = command.rsplit(['/', '\\']).next().unwrap_or(command).to_ascii_lowercase();
    name.strip_suffix(".cmd").or_else(|| name.strip_suffix(".exe")).unwrap_or(&name).to_string()
}

/// First positional argument after `start`, skipping flags and their values.
fn positional(args: &[String], start: usize, value_flags: &[&str]) -> Option<usize> {
    let mut i = start;
    while i < args.len() {
        let arg = &args[i];
        if arg == "--" {
            return (i + 1 < args.len()).then_some(i + 1);
        }
        if arg.starts_with('-') {
            if !arg.contains('=') && value_flags.contains(&arg.as_str()) {
                i += 1;
            }
            i += 1;
            continue;
        }
        return Some(i);
    }
    None
}

fn flag_value(args: &[String], flags: &[&str]) -> Option<(usize, String)> {
    for (i, arg) in args.iter().enumerate() {
        for flag in flags {
            if arg == flag {
                return args.get(i + 1).map(|v| (i + 1, v.clone()));
            }
            if let Some(v) = arg.strip_prefix(&format!("{flag}=")) {
                return Some((i, v.to_string()));
            }
        }
    }
    None
}

fn npm_exec(launch: &mut Launch, args: &[String], start: usize) {
    let explicit = flag_value(&args[start.min(args.len())..], &["-p", "--package"]).map(|(i, v)| (i + start, v));
    let first = positional(args, start, NPX_VALUE_FLAGS);
    let Some((arg, spec)) = explicit.or_else(|| first.map(|i| (i, args[i].clone()))) else {
        return;
    };
    launch.rest = first.map_or(args.len(), |i| i + 1);
    if is_local(&spec) {
        return;
    }
    let (name, version) = split_npm(&spec);
    if name == "mcp-remote" || name == "@modelcontextprotocol/inspector" {
        launch.remote_url = args
            .iter()
            .enumerate()
            .skip(arg + 1)
            .find(|(_, a)| a.starts_with("http://") || a.starts_with("https://"))
            .map(|(i, _)| i);
    }
    let pinned = version.as_deref().is_some_and(is_exact_version);
    launch.package = Some(Package { registry: "npm", name, version, pinned, arg });
}

/// An npm package spec as written (`name@1.2.3`, `@scope/name@latest`, `name`).
pub(super) fn npm_package(spec: &str) -> Package {
    let (name, version) = split_npm(spec);
    let pinned = version.as_deref().is_some_and(is_exact_version);
    Package { registry: "npm", name, version, pinned, arg: 0 }
}

fn split_npm(spec: &str) -> (String, Option<String>) {
    let (scope_at, rest) = if let Some(rest) = spec.strip_prefix('@') { (1, rest) } else { (0, spec) };
    match rest.find('@') {
        Some(at) => (spec[..at + scope_at].to_string(), Some(spec[at + scope_at + 1..].to_string())),
        None => (spec.to_string(), None),
    }
}

fn python_exec(launch: &mut Launch, args: &[String], start: usize) {
    let from = flag_value(&args[start.min(args.len())..], &["--from", "--spec"]).map(|(i, v)| (i + start, v));
    let first = positional(args, start, UVX_VALUE_FLAGS);
    launch.rest = first.map_or(args.len(), |i| i + 1);
    let Some((arg, spec)) = from.or_else(|| first.map(|i| (i, args[i].clone()))) else {
        return;
    };
    if is_local(&spec) {
        return;
    }
    let (name, version, pinned) = if let Some(url) = spec.strip_prefix("git+") {
        // A git source is pinned only by a full commit hash.
        let rev = url.rsplit_once('@').map(|(_, r)| r.to_string()).filter(|r| !r.contains('/'));
        let pinned = rev.as_deref().is_some_and(|r| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()));
        launch.package = Some(Package { registry: "git", name: spec.clone(), version: rev, pinned, arg });
        return;
    } else if let Some((name, version)) = spec.split_once("==") {
        (name.to_string(), Some(version.to_string()), is_exact_version(version))
    } else if let Some((name, version)) = spec.split_once('@') {
        (name.to_string(), Some(version.to_string()), is_exact_version(version))
    } else {
        let cut = spec.find(['>', '<', '~', '!', '[']).unwrap_or(spec.len());
        let version = (cut < spec.len()).then(|| spec[cut..].to_string());
        (spec[..cut].to_string(), version, false)
    };
    launch.package = Some(Package { registry: "pypi", name, version, pinned, arg });
}

fn container(launch: &mut Launch, args: &[String]) {
    let Some(run) = args.iter().position(|a| a == "run") else {
        return;
    };
    let mut i = run + 1;
    while i < args.len() {
        let arg = args[i].as_str();
        if !arg.starts_with('-') {
            let reference = args[i].clone();
            launch.image = Some(image(&reference, i));
            launch.rest = i + 1;
            return;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f, Some(v.to_string())),
            None => (arg, None),
        };
        let takes_value = inline.is_none() && DOCKER_VALUE_FLAGS.contains(&flag);
        let value = inline.or_else(|| takes_value.then(|| args.get(i + 1).cloned()).flatten()).unwrap_or_default();
        let value_at = if takes_value { i + 1 } else { i };
        match flag {
            "--privileged" if value != "false" => launch.container_risks.push(("privileged", i)),
            "--network" | "--net" if value == "host" => launch.container_risks.push(("host-network", i)),
            "--pid" if value == "host" => launch.container_risks.push(("host-pid", i)),
            "--ipc" if value == "host" => launch.container_risks.push(("host-ipc", i)),
            "--cap-add"
                if matches!(
                    value.to_ascii_uppercase().as_str(),
                    "ALL" | "SYS_ADMIN" | "CAP_SYS_ADMIN" | "SYS_PTRACE"
                ) =>
            {
                launch.container_risks.push(("added-capability", value_at))
            }
            "--security-opt" if value.contains("unconfined") => launch.container_risks.push(("unconfined", value_at)),
            "-v" | "--volume" | "--mount" => {
                let source = mount_source(&value);
                if source.contains("docker.sock") {
                    launch.container_risks.push(("docker-socket", value_at));
                } else if source == "/" || (source.len() <= 3 && source.chars().nth(1) == Some(':')) {
                    launch.container_risks.push(("root-mount", value_at));
                }
            }
            "-e" | "--env" => launch.env_args.push(value_at),
            _ => {}
        }
        i += if takes_value { 2 } else { 1 };
    }
}

fn mount_source(value: &str) -> String {
    if value.contains("source=") || value.contains("src=") {
        return value
            .split(',')
            .find_map(|p| p.strip_prefix("source=").or_else(|| p.strip_prefix("src=")))
            .unwrap_or("")
            .to_string();
    }
    // `-v SRC:DST[:opts]`, where SRC may be a Windows drive (`C:\x:/y`).
    let bytes = value.as_bytes();
    let skip = if bytes.len() > 2 && bytes[1] == b':' && (bytes[2] == b'\\' || bytes[2] == b'/') { 2 } else { 0 };
    match value[skip..].find(':') {
        Some(i) => value[..skip + i].to_string(),
        None => value.to_string(),
    }
}

pub(super) fn image(reference: &str, arg: usize) -> Image {
    if let Some((name, _)) = reference.split_once('@') {
        return Image { name: name.to_string(), reference: reference.to_string(), pin: "digest", arg };
    }
    // A name with no registry and no namespace (`kali-mcp-server`,
    // `crypto-mcp:latest`) is a local build or a Docker Official Image, which
    // only Docker publishes: neither is someone else's moving code.
    if !reference.contains('/') {
        let name = reference.split(':').next().unwrap_or(reference);
        return Image { name: name.to_string(), reference: reference.to_string(), pin: "local", arg };
    }
    let last = reference.rsplit('/').next().unwrap_or(reference);
    let (name, pin) = match last.rsplit_once(':') {
        Some((_, tag)) => {
            let name = &reference[..reference.len() - tag.len() - 1];
            (name.to_string(), if tag == "latest" { "latest" } else { "tag" })
        }
        None => (reference.to_string(), "none"),
    };
    Image { name, reference: reference.to_string(), pin, arg }
}

fn is_local(spec: &str) -> bool {
    spec.starts_with('.')
        || spec.starts_with('/')
        || spec.starts_with('~')
        || spec.contains('\\')
        || spec.starts_with("file:")
        || spec.ends_with(".js")
        || spec.ends_with(".py")
        || spec.ends_with(".ts")
        || spec.ends_with(".mjs")
}

/// `1.2.3`, `1.2.3-beta.1`, `v1.2.3`: one exact release, not a range or tag.
fn is_exact_version(version: &str) -> bool {
    let v = version.strip_prefix('v').unwrap_or(version);
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() >= 2 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn npx_packages_and_pins() {
        let l = parse("npx", &args(&["-y", "@modelcontextprotocol/server-github"]));
        let p = l.package.unwrap();
        assert_eq!((p.name.as_str(), p.pinned, p.arg), ("@modelcontextprotocol/server-github", false, 1));
        let l = parse("npx", &args(&["-y", "@playwright/mcp@0.0.40"]));
        assert!(l.package.unwrap().pinned);
        let l = parse("npx", &args(&["-y", "pkg@latest"]));
        assert!(!l.package.unwrap().pinned);
        let l = parse("cmd", &args(&["/c", "npx", "-y", "pkg@1.0.0"]));
        assert_eq!(l.package.unwrap().arg, 3);
        assert!(parse("node", &args(&["./server.js"])).package.is_none());
    }

    #[test]
    fn python_packages_and_pins() {
        assert!(!parse("uvx", &args(&["mcp-server-fetch"])).package.unwrap().pinned);
        assert!(parse("uvx", &args(&["mcp-server-fetch==1.2.0"])).package.unwrap().pinned);
        assert!(parse("uvx", &args(&["awslabs.aws-documentation-mcp-server@1.1.0"])).package.unwrap().pinned);
        let git = parse("uvx", &args(&["--from", "git+https://github.com/x/y.git", "y"])).package.unwrap();
        assert!(!git.pinned);
        assert_eq!(git.arg, 1);
    }

    #[test]
    fn containers() {
        let l = parse(
            "docker",
            &args(&[
                "run",
                "--rm",
                "-i",
                "--network=host",
                "-v",
                "/var/run/docker.sock:/var/run/docker.sock",
                "--privileged",
                "-e",
                "TOKEN=abc",
                "mcp/fetch",
            ]),
        );
        let risks: Vec<_> = l.container_risks.iter().map(|r| r.0).collect();
        assert_eq!(risks, ["host-network", "docker-socket", "privileged"]);
        let image = l.image.unwrap();
        assert_eq!((image.name.as_str(), image.pin, image.arg), ("mcp/fetch", "none", 9));
        assert_eq!(l.env_args, [8]);
        let l = parse("docker", &args(&["run", "-v", "C:\\:/host", "ghcr.io/x/y:1.2@sha256:abc"]));
        assert_eq!(l.container_risks[0].0, "root-mount");
        assert_eq!(l.image.unwrap().pin, "digest");
        assert_eq!(parse("docker", &args(&["run", "me/x:latest"])).image.unwrap().pin, "latest");
        // No registry, no namespace: a local build or an official image.
        assert_eq!(parse("docker", &args(&["run", "x:latest"])).image.unwrap().pin, "local");
    }

    #[test]
    fn mcp_remote_bridge() {
        let l = parse("npx", &args(&["-y", "mcp-remote", "https://x.example/mcp", "--header", "A: b"]));
        assert_eq!(l.remote_url, Some(2));
    }
}
