//! Embeds every rule file under `rules/` (not the catalog) in the binary, so
//! the binary is self-contained and adding a rule needs no registration.
//! Rules and catalogs are also converted to JSON here: parsing them is most
//! of a small scan's start-up, and JSON parses several times faster than
//! YAML. The YAML stays the source, and the text errors are located in.

use std::fs;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "catalog") {
                collect(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let rules_dir = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=testdata/rules");
    let mut files = Vec::new();
    collect(&rules_dir, &mut files);
    files.sort();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let json_dir = out_dir.join("json");
    fs::create_dir_all(json_dir.join("catalog")).expect("create the JSON folder");
    // Path in the crate, YAML text, JSON text.
    let mut code = String::from("pub(super) static RULE_FILES: &[(&str, &str, &str)] = &[\n");
    for (i, file) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", file.display());
        let relative = file.strip_prefix(&root).expect("under the manifest dir").to_string_lossy().replace('\\', "/");
        let json = json_dir.join(format!("rule{i}.json"));
        fs::write(&json, json_of(file)).expect("write a rule as JSON");
        code.push_str(&format!(
            "    ({relative:?}, include_str!({:?}), include_str!({:?})),\n",
            file.display().to_string(),
            json.display().to_string()
        ));
    }
    code.push_str("];\n");
    code.push_str(&examples(&root, &files));
    println!("cargo:rerun-if-changed=rules/catalog");
    for entry in fs::read_dir(rules_dir.join("catalog")).expect("rules/catalog").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let name = path.file_stem().expect("a file name").to_string_lossy().to_string();
            fs::write(json_dir.join("catalog").join(format!("{name}.json")), json_of(&path))
                .expect("write a catalog as JSON");
        }
    }
    fs::write(out_dir.join("rule_files.rs"), code).expect("write rule index");
    fs::write(out_dir.join("rule_cases.rs"), rule_cases(&files)).expect("write rule test cases");
    println!("cargo:rerun-if-changed=testdata/formats");
    fs::write(out_dir.join("format_cases.rs"), format_cases(&root.join("testdata/formats")))
        .expect("write format test cases");
}

/// A YAML file of ours as JSON, keys in the order written. A file that does
/// not parse stops the build, with its path and position.
fn json_of(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::to_string(&value).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A test function name from an id or a folder name.
fn test_name(prefix: &str, id: &str) -> String {
    let name: String =
        id.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    format!("{prefix}_{name}")
}

/// One `#[test]` per rule for `tests/rules.rs`, so a rule whose examples
/// fail does not hide the others' results (each calls `check_rule`).
fn rule_cases(files: &[PathBuf]) -> String {
    let mut code = String::new();
    for file in files {
        let Ok(text) = fs::read_to_string(file) else { continue };
        let Some(id) = text.lines().find_map(|l| l.strip_prefix("id: ")).map(str::trim) else { continue };
        code.push_str(&format!("#[test]\nfn {}() {{\n    check_rule({id:?});\n}}\n", test_name("rule", id)));
    }
    code
}

/// One `#[test]` per adapter fixture folder for `tests/formats.rs` (each
/// calls `check_fixture`).
fn format_cases(dir: &Path) -> String {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.file_name().to_string_lossy().to_string()).collect())
        .unwrap_or_default();
    names.sort();
    let mut code = String::new();
    for name in names {
        code.push_str(&format!("#[test]\nfn {}() {{\n    check_fixture({name:?});\n}}\n", test_name("format", &name)));
    }
    code
}

/// The first file (by path) under a directory, dotfiles included.
fn first_file(dir: &Path) -> Option<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in &entries {
        if path.is_file() {
            return Some(path.clone());
        }
    }
    entries.iter().filter(|p| p.is_dir()).find_map(|p| first_file(p))
}

/// `positive: [testdata/rules/BR101/positive]` → the first folder named.
fn example_dir(text: &str, field: &str) -> Option<String> {
    let line = text.lines().find(|l| l.trim_start().starts_with(&format!("{field}:")))?;
    let list = line.split_once('[')?.1.split(']').next()?;
    list.split(',').next().map(|s| s.trim().to_string())
}

/// Each rule's first positive and negative example file, embedded so that
/// `blastradius explain` can show them.
fn examples(root: &Path, files: &[PathBuf]) -> String {
    let mut code = String::from("pub(super) static RULE_EXAMPLES: &[(&str, &str, &str, &str, &str)] = &[\n");
    for file in files {
        let Ok(text) = fs::read_to_string(file) else { continue };
        let Some(id) = text.lines().find_map(|l| l.strip_prefix("id: ")).map(str::trim) else { continue };
        let mut parts = Vec::new();
        for field in ["positive", "negative"] {
            let example = example_dir(&text, field).and_then(|dir| first_file(&root.join(&dir)));
            match example {
                Some(path) => {
                    println!("cargo:rerun-if-changed={}", path.display());
                    let shown = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                    parts.push(format!("{shown:?}, include_str!({:?})", path.display().to_string()));
                }
                None => parts.push("\"\", \"\"".to_string()),
            }
        }
        code.push_str(&format!("    ({id:?}, {}, {}),\n", parts[0], parts[1]));
    }
    code.push_str("];\n");
    code
}
