-- TurtleQR fidelity (issue 18): account-wide API keys and the personal plan.
ALTER TABLE api_keys ADD COLUMN account_wide boolean NOT NULL DEFAULT false;

ALTER TABLE workspaces DROP CONSTRAINT IF EXISTS workspaces_plan_check;
ALTER TABLE workspaces ADD CONSTRAINT workspaces_plan_check
    CHECK (plan IN ('free', 'personal', 'pro', 'business'));
