//! The database images' `docker-entrypoint.sh` up to the point where it either refuses to
//! initialize an empty data directory or hands over to the server: docker-library/postgres
//! (`docker_setup_env`, `docker_verify_minimum_env`), docker-library/mysql and
//! MariaDB/mariadb-docker (`mysql_log`, `file_env`, `docker_setup_env`,
//! `docker_verify_minimum_env`, `_main`). Each returns the lines printed, as `Err` when the
//! script exits 1. The playground's databases never hold data files, so the data directory is
//! always the uninitialized one.

use super::config_refs::Environ;
use super::runtime::ImageRef;
use crate::engine::api::Time;

/// `file_env VAR`: VAR and VAR_FILE are exclusive; the value is VAR's, else the file's (which
/// the playground takes as non-empty).
fn file_env(env: &Environ, var: &str) -> Result<bool, (String, String)> {
    let file = format!("{var}_FILE");
    let set = env.non_empty(var);
    let from_file = env.non_empty(&file);
    if set && from_file {
        return Err((var.to_string(), file));
    }
    Ok(set || from_file)
}

/// Lines of a heredoc as `<<-` prints them (leading tabs stripped; here written without).
fn lines(text: &str) -> Vec<String> {
    text.lines().map(String::from).collect()
}

/// docker-library/postgres `docker-entrypoint.sh` (`docker_setup_env`, then
/// `docker_verify_minimum_env` on an empty data directory).
pub fn postgres(env: &Environ) -> Result<Vec<String>, Vec<String>> {
    let mut password = false;
    for var in ["POSTGRES_PASSWORD", "POSTGRES_USER", "POSTGRES_DB", "POSTGRES_INITDB_ARGS"] {
        match file_env(env, var) {
            Ok(set) => password |= var == "POSTGRES_PASSWORD" && set,
            // file_env: `printf >&2 'error: both %s and %s are set (but are exclusive)\n'`.
            Err((v, f)) => return Err(vec![format!("error: both {v} and {f} are set (but are exclusive)")]),
        }
    }
    let trust = env.value("POSTGRES_HOST_AUTH_METHOD").as_deref() == Some("trust");
    if !password && !trust {
        return Err(lines(
            "Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".

       You may also use \"POSTGRES_HOST_AUTH_METHOD=trust\" to allow all
       connections without a password. This is *not* recommended.

       See PostgreSQL documentation about \"trust\":
       https://www.postgresql.org/docs/current/auth-trust.html",
        ));
    }
    if trust {
        return Ok(lines(
            "********************************************************************************
WARNING: POSTGRES_HOST_AUTH_METHOD has been set to \"trust\". This will allow
         anyone with access to the Postgres port to access your database without
         a password, even if POSTGRES_PASSWORD is set. See PostgreSQL
         documentation about \"trust\":
         https://www.postgresql.org/docs/current/auth-trust.html
         In Docker's default configuration, this is effectively any other
         container on the same system.

         It is not recommended to use POSTGRES_HOST_AUTH_METHOD=trust. Replace
         it with \"-e POSTGRES_PASSWORD=password\" instead to set a password in
         \"docker run\".
********************************************************************************",
        ));
    }
    Ok(Vec::new())
}

/// `date --rfc-3339=seconds` in the container (UTC): `2025-01-01 00:00:00+00:00`.
fn rfc3339_seconds(t: Time) -> String {
    format!("{}+00:00", t.rfc3339().trim_end_matches('Z').replacen('T', " ", 1))
}

/// `mysql_log TYPE TEXT`: `printf '%s [%s] [Entrypoint]: %s\n'`.
fn log(t: Time, kind: &str, text: &str) -> Vec<String> {
    lines(&format!("{} [{kind}] [Entrypoint]: {text}", rfc3339_seconds(t)))
}

/// The image's version as its Dockerfile's `ENV MYSQL_VERSION` / `MARIADB_VERSION` has it.
fn version(image: &ImageRef, table: &[(&str, &str)], full: fn(&str) -> String) -> String {
    let tag = image.tag.split('-').next().unwrap_or("");
    if tag.split('.').count() == 3 && tag.split('.').all(|p| p.parse::<u32>().is_ok()) {
        return full(tag);
    }
    table.iter().find(|(t, _)| *t == tag).or(table.last()).map(|(_, v)| v.to_string()).unwrap_or_default()
}

/// docker-library/mysql `docker-entrypoint.sh` `_main`: the start note, the switch to the mysql
/// user (a second run of the script), then `docker_verify_minimum_env`.
pub fn mysql(image: &ImageRef, env: &Environ, t: Time, root: bool) -> Result<Vec<String>, Vec<String>> {
    let v = version(image, &[("8.0", "8.0.45-1.el9"), ("8.4", "8.4.10-1.el9"), ("lts", "8.4.10-1.el9"), ("9.7", "9.7.0-1.el9")], |t| format!("{t}-1.el9"));
    let started = log(t, "Note", &format!("Entrypoint script for MySQL Server {v} started."));
    let mut out = started.clone();
    for var in ["MYSQL_ROOT_HOST", "MYSQL_DATABASE", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD"] {
        if let Err((v, f)) = file_env(env, var) {
            out.extend(log(t, "ERROR", &format!("Both {v} and {f} are set (but are exclusive)")));
            return Err(out);
        }
    }
    if root {
        out.extend(log(t, "Note", "Switching to dedicated user 'mysql'"));
        out.extend(started);
    }
    let any = ["MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD"].iter().any(|k| env.non_empty(k));
    if !any {
        out.extend(log(
            t,
            "ERROR",
            "Database is uninitialized and password option is not specified
    You need to specify one of the following as an environment variable:
    - MYSQL_ROOT_PASSWORD
    - MYSQL_ALLOW_EMPTY_PASSWORD
    - MYSQL_RANDOM_ROOT_PASSWORD",
        ));
        return Err(out);
    }
    if env.value("MYSQL_USER").as_deref() == Some("root") {
        out.extend(log(
            t,
            "ERROR",
            "MYSQL_USER=\"root\", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user
    Remove MYSQL_USER=\"root\" and use one of the following to control the root user password:
    - MYSQL_ROOT_PASSWORD
    - MYSQL_ALLOW_EMPTY_PASSWORD
    - MYSQL_RANDOM_ROOT_PASSWORD",
        ));
        return Err(out);
    }
    Ok(out)
}

/// MariaDB/mariadb-docker `docker-entrypoint.sh` `_main`: as mysql's, with the MARIADB_* names
/// (each also taken from its MYSQL_* one) and the cgroup memory-pressure warning a root run
/// prints where `/sys/fs/cgroup` is read-only, as it is in a container.
pub fn mariadb(image: &ImageRef, env: &Environ, t: Time, root: bool) -> Result<Vec<String>, Vec<String>> {
    let v = version(
        image,
        &[("10.6", "1:10.6.23+maria~ubu2004"), ("10.11", "1:10.11.14+maria~ubu2204"), ("11.4", "1:11.4.8+maria~ubu2404"), ("11.8", "1:11.8.3+maria~ubu2404")],
        |t| format!("1:{t}+maria~ubu2404"),
    );
    let started = log(t, "Note", &format!("Entrypoint script for MariaDB Server {v} started."));
    let mut out = started.clone();
    for var in ["MYSQL_ROOT_HOST", "MYSQL_DATABASE", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD"] {
        let maria = format!("MARIADB_{}", &var["MYSQL_".len()..]);
        for name in [var, maria.as_str()] {
            if let Err((v, f)) = file_env(env, name) {
                out.extend(log(t, "ERROR", &format!("Both {v} and {f} are set (but are exclusive)")));
                return Err(out);
            }
        }
    }
    if root {
        out.extend(log(t, "Warn", "/sys/fs/cgroup///memory.pressure not writable, functionality unavailable to MariaDB"));
        out.extend(log(t, "Note", "Switching to dedicated user 'mysql'"));
        out.extend(started);
    }
    let set = |names: &[&str]| names.iter().any(|n| env.non_empty(n) || env.non_empty(&format!("{n}_FILE")));
    let any = set(&["MARIADB_ROOT_PASSWORD", "MYSQL_ROOT_PASSWORD", "MARIADB_ROOT_PASSWORD_HASH"])
        || ["MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MARIADB_RANDOM_ROOT_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD"]
            .iter()
            .any(|k| env.non_empty(k));
    if !any {
        out.extend(log(
            t,
            "ERROR",
            "Database is uninitialized and password option is not specified
\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD",
        ));
        return Err(out);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kubelet::runtime::parse_image;

    fn env(pairs: &[(&str, &str)]) -> Environ {
        Environ::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), Some(v.to_string()))).collect())
    }

    #[test]
    fn postgres_needs_a_password_or_trust() {
        let e = postgres(&env(&[])).unwrap_err();
        assert_eq!(e.len(), 9);
        assert_eq!(e[1], "       You must specify POSTGRES_PASSWORD to a non-empty value for the");
        assert_eq!(e[8], "       https://www.postgresql.org/docs/current/auth-trust.html");
        assert_eq!(postgres(&env(&[("POSTGRES_PASSWORD", "x")])), Ok(Vec::new()));
        assert_eq!(postgres(&env(&[("POSTGRES_PASSWORD_FILE", "/run/secrets/pw")])), Ok(Vec::new()));
        assert_eq!(
            postgres(&env(&[("POSTGRES_PASSWORD", "x"), ("POSTGRES_PASSWORD_FILE", "/f")])),
            Err(vec!["error: both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set (but are exclusive)".to_string()])
        );
        // A value from a Secret the playground cannot read still counts as set.
        let secret = Environ::from_pairs(vec![("POSTGRES_PASSWORD".into(), None)]);
        assert_eq!(postgres(&secret), Ok(Vec::new()));
    }

    #[test]
    fn mysql_logs_its_entrypoint_lines() {
        let t = Time(1_735_689_600_000);
        let e = mysql(&parse_image("mysql:8.4").unwrap(), &env(&[]), t, true).unwrap_err();
        assert_eq!(e[0], "2025-01-01 00:00:00+00:00 [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.4.10-1.el9 started.");
        assert_eq!(e[1], "2025-01-01 00:00:00+00:00 [Note] [Entrypoint]: Switching to dedicated user 'mysql'");
        assert_eq!(e[3], "2025-01-01 00:00:00+00:00 [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified");
        assert_eq!(e[7], "    - MYSQL_RANDOM_ROOT_PASSWORD");
        assert_eq!(mysql(&parse_image("mysql:8.0.40").unwrap(), &env(&[]), t, false).unwrap_err().len(), 6);
        assert!(mysql(&parse_image("mysql").unwrap(), &env(&[("MYSQL_ALLOW_EMPTY_PASSWORD", "1")]), t, true).is_ok());
        assert!(mysql(&parse_image("mysql").unwrap(), &env(&[("MYSQL_ROOT_PASSWORD", "x"), ("MYSQL_USER", "root")]), t, true).is_err());
        let e = mariadb(&parse_image("mariadb:11.8").unwrap(), &env(&[]), t, true).unwrap_err();
        assert_eq!(e[0], "2025-01-01 00:00:00+00:00 [Note] [Entrypoint]: Entrypoint script for MariaDB Server 1:11.8.3+maria~ubu2404 started.");
        assert_eq!(e[5], "\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD");
        assert!(mariadb(&parse_image("mariadb").unwrap(), &env(&[("MARIADB_ROOT_PASSWORD_FILE", "/f")]), t, true).is_ok());
    }
}
