-- Machine tokens expire (issue #21): a token issued from now on carries its end (TOKEN_LIFETIME_DAYS by default, or
-- expiresInDays on creation); past it the token is refused (401 AUTH_TOKEN_EXPIRED). Tokens issued before this
-- migration keep working: their expires_at stays NULL (no end) until an admin revokes them and issues new ones.
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
