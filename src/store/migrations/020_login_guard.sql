-- Login throttling counted before the password is checked (issue #21): one row per key, `acct:<username>|<address>`
-- (an account tried from one address: the lockout a stranger elsewhere cannot impose) or `addr:<address>` (any
-- usernames from one address). `tries` counts the attempts of the current window, taken before each check;
-- `not_before` is the progressive delay (and the block) the next attempt waits for.
CREATE TABLE login_attempts (
  key          text PRIMARY KEY,
  tries        integer NOT NULL,
  failures     integer NOT NULL DEFAULT 0,
  window_start timestamptz NOT NULL,
  not_before   timestamptz NOT NULL
);

-- Failed logins on an account (from any address) since its last successful login: shown to the person at the next
-- login, and the alert raised once they pass the account limit.
ALTER TABLE operators ADD COLUMN failed_logins_since_login integer NOT NULL DEFAULT 0;
ALTER TABLE operators ADD COLUMN login_alert_at timestamptz;
