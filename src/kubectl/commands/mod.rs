//! The kubectl commands (`staging/src/k8s.io/kubectl/pkg/cmd/*`) and their dispatch.

pub mod apply;
pub mod create;
pub mod create_generators;
pub mod describe;
pub mod delete;
pub mod edit;
pub mod events;
pub mod exec;
pub mod get;
pub mod label;
pub mod lint;
pub mod logs;
pub mod manifests;
pub mod output;
pub mod patch;
pub mod rollout;
pub mod run;
pub mod scale;
pub mod set_image;
pub mod version;
pub mod wait;

use super::errors::{CmdError, CmdResult};
use super::flags::{self, FlagSpec, Parsed};
use super::parse::{split_command, unknown_command, KUBECTL_COMMANDS};
use super::Env;

/// Parses a command's flags (plus globals) and applies `-n`.
pub fn parse_flags(env: &mut Env, command: &str, args: &[String], specs: &[FlagSpec]) -> CmdResult<Parsed> {
    let p = flags::parse_for(command, args, specs)?;
    if let Some(ns) = p.string("namespace") {
        env.namespace = ns.to_string();
        env.explicit_namespace = true;
    }
    Ok(p)
}

/// `cmdutil.UsageErrorf`: the message, then `See 'kubectl <cmd> -h' for help and examples`.
pub fn usage_errorf(command: &str, message: &str) -> CmdError {
    CmdError::Plain(format!("{message}\nSee 'kubectl {command} -h' for help and examples"))
}

/// Runs the command named by the first word.
pub fn dispatch(env: &mut Env, words: &[String]) -> CmdResult {
    let Some((cmd, rest)) = split_command(words)? else {
        env.print(KUBECTL_HELP);
        return Ok(());
    };
    match cmd.as_str() {
        "get" => get::run(env, &rest),
        "describe" => describe::run(env, &rest),
        "delete" => delete::run(env, &rest),
        "scale" => scale::run(env, &rest),
        "set" => set_image::run_set(env, &rest),
        "label" => label::run(env, &rest, label::Mode::Label),
        "annotate" => label::run(env, &rest, label::Mode::Annotate),
        "rollout" => rollout::run(env, &rest),
        "patch" => patch::run(env, &rest),
        "apply" => apply::run(env, &rest),
        "create" => create::run_create(env, &rest),
        "replace" => create::run_replace(env, &rest),
        "exec" => exec::run(env, &rest),
        "events" => events::run(env, &rest),
        "logs" => logs::run(env, &rest),
        "run" => run::run(env, &rest),
        "edit" => edit::run(env, &rest),
        "version" => version::run(env, &rest),
        "wait" => wait::run(env, &rest),
        c if KUBECTL_COMMANDS.contains(&c) => Err(CmdError::plain(format!(
            "\"kubectl {c}\" is not available in the StatefulSet Playground"
        ))),
        c => Err(unknown_command(c)),
    }
}

/// The first lines of `kubectl --help`.
pub const KUBECTL_HELP: &str = "kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Basic Commands (Beginner):
  create          Create a resource from a file or from stdin
  run             Run a particular image on the cluster
  set             Set specific features on objects

Basic Commands (Intermediate):
  get             Display one or many resources
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  rollout         Manage the rollout of a resource
  scale           Set a new size for a deployment, replica set, or replication controller

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod
  exec            Execute a command in a container
  events          List events

Advanced Commands:
  apply           Apply a configuration to a resource by file name or stdin
  patch           Update fields of a resource
  replace         Replace a resource by file name or stdin
  wait            Experimental: Wait for a specific condition on one or many resources

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource

Usage:
  kubectl [flags] [options]

Use \"kubectl <command> --help\" for more information about a given command.
";
