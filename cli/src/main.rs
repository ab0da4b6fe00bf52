//! `enkash`: the operator's command line for the EnKash SDK.
//!
//! Exit codes: 0 ok · 1 internal error · 2 invalid input or configuration · 3 authentication ·
//! 4 refused by the API (not refundable, exceeds, balance, beneficiary, not found, other API error)
//! · 5 network, timeout or rate limit · 6 outcome unknown (reconcile by request id) · 130 interrupted.

mod bulk;
mod demo;
mod output;
mod private_file;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use enkash::{Amount, Config, ConfigBuilder, Environment, ErrorKind, RefundOptions, RefundQuery};

use output::Out;

/// Command line for the EnKash payment gateway: refunds, status, bulk refunds, demo.
#[derive(Parser, Debug)]
#[command(name = "enkash", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Connection and output options shared by every command.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Print one JSON document on stdout instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Merchant access key.
    #[arg(long, env = "ENKASH_ACCESS_KEY", global = true, hide_env_values = true)]
    access_key: Option<String>,
    /// Merchant secret key (prefer the environment variable to the flag).
    #[arg(long, env = "ENKASH_SECRET_KEY", global = true, hide_env_values = true)]
    secret_key: Option<String>,
    /// Base URL (e.g. http://127.0.0.1:PORT for the simulator).
    #[arg(long, env = "ENKASH_BASE_URL", global = true)]
    base_url: Option<String>,
    /// `uat` or `production`.
    #[arg(long, env = "ENKASH_ENVIRONMENT", global = true)]
    environment: Option<String>,
    /// Retries after the first attempt.
    #[arg(long, env = "ENKASH_MAX_RETRIES", global = true)]
    max_retries: Option<u32>,
    /// Total timeout of one call, seconds.
    #[arg(long, env = "ENKASH_TIMEOUT_SECS", global = true)]
    timeout_secs: Option<u64>,
    /// JSON profile file with any of: access_key, secret_key, base_url, environment, max_retries,
    /// timeout_secs (flags and environment variables win).
    #[arg(long, env = "ENKASH_PROFILE", global = true)]
    profile: Option<PathBuf>,
    /// Log level for the SDK's logs on stderr (error, warn, info, debug, trace).
    #[arg(long, env = "ENKASH_LOG", global = true, default_value = "warn")]
    log: String,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Token commands.
    #[command(subcommand)]
    Token(TokenCmd),
    /// Transaction lookups.
    #[command(subcommand)]
    Txn(TxnCmd),
    /// Order lookups.
    #[command(subcommand)]
    Order(OrderCmd),
    /// Refunds: create, status, bulk.
    #[command(subcommand)]
    Refund(RefundCmd),
    /// Run the EnKash simulator (prints its base URL, runs until Ctrl-C).
    Mock {
        /// Loopback address to listen on.
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: std::net::SocketAddr,
    },
    /// Walk through the SDK on the embedded simulator (or real EnKash with --live).
    Demo(demo::DemoArgs),
}

#[derive(Subcommand, Debug)]
enum TokenCmd {
    /// Verify the credentials: prints when the token expires, never the token.
    Check,
}

#[derive(Subcommand, Debug)]
enum TxnCmd {
    /// Status of a payment or refund transaction.
    Get {
        /// EnKash transaction id.
        id: String,
    },
}

#[derive(Subcommand, Debug)]
enum OrderCmd {
    /// Status of an order.
    Get {
        /// Order id.
        id: String,
    },
}

#[derive(Subcommand, Debug)]
enum RefundCmd {
    /// Refund (part of) a successful payment, exactly once.
    Create {
        /// The payment's EnKash transaction id.
        transaction_id: String,
        /// Rupees, e.g. 100.50.
        #[arg(long)]
        amount: String,
        /// Idempotency key (generated when absent; reuse it to retry safely).
        #[arg(long)]
        request_id: Option<String>,
        /// Free-text reason.
        #[arg(long)]
        remarks: Option<String>,
        /// Look the refund up first and send only if it does not exist yet.
        #[arg(long)]
        resume: bool,
        /// Wait until the refund succeeds or fails.
        #[arg(long)]
        wait: bool,
        /// How long --wait waits, seconds.
        #[arg(long, default_value_t = 120)]
        wait_secs: u64,
    },
    /// Status of a refund.
    Status {
        /// The original payment's transaction id.
        transaction_id: String,
        /// The refund's request id.
        #[arg(long)]
        request_id: String,
        /// The refund's own transaction id, if known.
        #[arg(long)]
        refund_transaction_id: Option<String>,
        /// Wait until it is final.
        #[arg(long)]
        wait: bool,
        /// How long --wait waits, seconds.
        #[arg(long, default_value_t = 120)]
        wait_secs: u64,
    },
    /// Refund every row of a CSV (transaction_id,amount[,remarks][,request_id]); resumable.
    Bulk(bulk::BulkArgs),
}

/// Exit code for an SDK error.
pub fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::InvalidRequest | ErrorKind::Configuration | ErrorKind::Usage => 2,
        ErrorKind::Authentication => 3,
        ErrorKind::TransactionNotRefundable
        | ErrorKind::RefundExceedsAvailable
        | ErrorKind::InsufficientBalance
        | ErrorKind::BeneficiaryAccount
        | ErrorKind::NotFound
        | ErrorKind::Api
        | ErrorKind::Decode => 4,
        ErrorKind::RateLimited | ErrorKind::Timeout | ErrorKind::Network => 5,
        ErrorKind::OutcomeUnknown => 6,
        _ => 1,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Profile {
    access_key: Option<String>,
    secret_key: Option<String>,
    base_url: Option<String>,
    environment: Option<String>,
    max_retries: Option<u32>,
    timeout_secs: Option<u64>,
}

impl Global {
    /// Builds the SDK configuration: profile file, then environment variables, then flags.
    pub fn config(&self) -> Result<ConfigBuilder, enkash::Error> {
        let profile: Profile = match &self.profile {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    enkash::Error::invalid("profile", format!("cannot be read ({e})"))
                })?;
                serde_json::from_str(&text).map_err(|e| {
                    enkash::Error::invalid("profile", format!("is not a valid profile ({e})"))
                })?
            }
            None => Profile::default(),
        };
        let pick = |a: &Option<String>, b: Option<String>| a.clone().or(b);
        let mut b =
            Config::builder().user_agent_suffix(concat!("enkash-cli/", env!("CARGO_PKG_VERSION")));
        if let Some(v) = pick(&self.access_key, profile.access_key) {
            b = b.access_key(v);
        }
        if let Some(v) = pick(&self.secret_key, profile.secret_key) {
            b = b.secret_key(v);
        }
        if let Some(v) = pick(&self.base_url, profile.base_url) {
            b = b.base_url(v);
        } else if let Some(v) = pick(&self.environment, profile.environment) {
            b = b.environment(Environment::parse(&v)?);
        }
        if let Some(v) = self.max_retries.or(profile.max_retries) {
            b = b.max_retries(v);
        }
        if let Some(v) = self.timeout_secs.or(profile.timeout_secs) {
            b = b.total_timeout(Duration::from_secs(v));
        }
        Ok(b)
    }

    /// A client built from [`Global::config`].
    pub fn client(&self) -> Result<enkash::Client, enkash::Error> {
        enkash::Client::new(self.config()?.build()?)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_new(format!("enkash={}", cli.global.log))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("enkash=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let out = Out::new(cli.global.json);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("enkash: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let code = rt.block_on(run(cli, &out));
    ExitCode::from(code)
}

async fn run(cli: Cli, out: &Out) -> u8 {
    let g = cli.global;
    match cli.command {
        Command::Mock { listen } => {
            let r = enkash_mock::MockServer::run_until_signal(listen, None, |addr| {
                println!("http://{addr}");
                eprintln!("enkash simulator on http://{addr} (merchant ak_test / sk_test); Ctrl-C stops it");
            })
            .await;
            match r {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("enkash mock: {e}");
                    1
                }
            }
        }
        Command::Demo(args) => demo::run(&g, args, out).await,
        Command::Refund(RefundCmd::Bulk(args)) => bulk::run(&g, args, out).await,
        other => match single(&g, other, out).await {
            Ok(()) => 0,
            Err(e) => {
                out.error(&e);
                exit_code(e.kind())
            }
        },
    }
}

async fn single(g: &Global, command: Command, out: &Out) -> Result<(), enkash::Error> {
    let client = g.client()?;
    match command {
        Command::Token(TokenCmd::Check) => {
            let info = client.check_token().await?;
            out.token(&info);
        }
        Command::Txn(TxnCmd::Get { id }) => out.transaction(&client.get_transaction(&id).await?),
        Command::Order(OrderCmd::Get { id }) => out.order(&client.get_order(&id).await?),
        Command::Refund(RefundCmd::Create {
            transaction_id,
            amount,
            request_id,
            remarks,
            resume,
            wait,
            wait_secs,
        }) => {
            let amount = Amount::parse(&amount)?;
            let mut opts = RefundOptions::new().reconcile_first(resume);
            opts.request_id = request_id;
            opts.remarks = remarks;
            let mut refund = client.refund(&transaction_id, amount, opts).await?;
            if wait && !refund.status.is_terminal() {
                refund = client
                    .wait_for_refund(&refund.query(), Duration::from_secs(wait_secs))
                    .await?;
            }
            out.refund(&refund);
        }
        Command::Refund(RefundCmd::Status {
            transaction_id,
            request_id,
            refund_transaction_id,
            wait,
            wait_secs,
        }) => {
            let mut q = RefundQuery::new(transaction_id, request_id);
            q.refund_transaction_id = refund_transaction_id;
            let refund = if wait {
                client
                    .wait_for_refund(&q, Duration::from_secs(wait_secs))
                    .await?
            } else {
                client.get_refund(&q).await?
            };
            out.refund(&refund);
        }
        Command::Mock { .. } | Command::Demo(_) | Command::Refund(RefundCmd::Bulk(_)) => {}
    }
    Ok(())
}
