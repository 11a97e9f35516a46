"""Webhook endpoints of a workspace (/v1/webhooks): CRUD, secrets, deliveries, replays."""
