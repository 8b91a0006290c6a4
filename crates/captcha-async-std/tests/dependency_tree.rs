//! What the crate pulls in: hyper 1 needs tokio, but only its `sync` feature (channels; no
//! reactor, no executor, no timer), and nothing else from the tokio stack may appear.

use std::process::Command;

fn cargo_tree(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tree", "-p", "captcha-async-std"])
        .args(args)
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

#[test]
fn tokio_is_present_only_with_its_sync_feature() {
    let tree = cargo_tree(&["-e", "normal,features", "-i", "tokio"]);
    let features: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split("tokio feature \"").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(
        features.contains(&"sync"),
        "hyper needs tokio/sync:\n{tree}"
    );
    for feature in &features {
        assert!(
            matches!(*feature, "sync" | "default"),
            "tokio feature {feature:?} is enabled:\n{tree}"
        );
    }
}

#[test]
fn tokio_comes_in_through_hyper_only() {
    let tree = cargo_tree(&[
        "-e", "normal", "-i", "tokio", "--depth", "1", "--prefix", "none",
    ]);
    let dependents: Vec<&str> = tree
        .lines()
        .filter(|line| !line.starts_with("tokio ") && !line.trim().is_empty())
        .collect();
    assert!(!dependents.is_empty(), "{tree}");
    for dependent in dependents {
        assert!(
            dependent.starts_with("hyper v1"),
            "tokio is needed by {dependent}"
        );
    }
}

#[test]
fn no_tokio_runtime_crates_and_no_hyper_util() {
    let tree = cargo_tree(&["-e", "normal", "--prefix", "none"]);
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    for banned in [
        "hyper-util",
        "hyper-rustls",
        "tokio-rustls",
        "tokio-util",
        "tokio-macros",
        "mio",
    ] {
        assert!(
            !crates.contains(&banned),
            "{banned} is a normal dependency:\n{tree}"
        );
    }
    for needed in [
        "hyper",
        "async-std",
        "async-io",
        "futures-rustls",
        "rustls",
        "ring",
    ] {
        assert!(crates.contains(&needed), "{needed} is missing:\n{tree}");
    }
    assert!(!crates.contains(&"aws-lc-rs"), "TLS must use ring only");
}
