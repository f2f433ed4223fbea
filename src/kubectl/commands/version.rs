//! `kubectl version` (`kubectl/pkg/cmd/version/version.go`): the client, its bundled Kustomize
//! and the server. Both sides are v1.35.0, the version the simulated cluster runs.

use super::parse_flags;
use crate::engine::bootstrap::KUBERNETES_VERSION;
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::Env;

/// The Kustomize that kubectl v1.35 vendors (`sigs.k8s.io/kustomize/kustomize/v5 v5.7.1`).
pub const KUSTOMIZE_VERSION: &str = "v5.7.1";

const FLAGS: &[FlagSpec] = &[flag("client", None, FlagKind::Bool), flag("output", Some('o'), FlagKind::String)];

/// `kubectl version [--client]`.
pub fn run(env: &mut Env, args: &[String]) -> CmdResult {
    let p = parse_flags(env, "version", args, FLAGS)?;
    // The structured form carries build details (git commit, build date, Go version) that a
    // simulation has no true value for.
    if p.string("output").is_some_and(|o| !o.is_empty()) {
        return Err(CmdError::plain("version -o is not available in the StatefulSet Playground"));
    }
    env.print(&format!("Client Version: {KUBERNETES_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n"));
    if !p.bool("client") {
        env.print(&format!("Server Version: {KUBERNETES_VERSION}\n"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::kubectl::testutil::{cluster, kubectl};

    #[test]
    fn version_prints_client_kustomize_and_server() {
        let mut c = cluster();
        assert_eq!(kubectl(&mut c, "version").stdout, "Client Version: v1.35.0\nKustomize Version: v5.7.1\nServer Version: v1.35.0\n");
        assert_eq!(kubectl(&mut c, "version --client").stdout, "Client Version: v1.35.0\nKustomize Version: v5.7.1\n");
    }
}
