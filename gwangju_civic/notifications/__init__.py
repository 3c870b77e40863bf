"""Notifications: the outbox written with each event, its delivery by the job worker, e-mail and SMS senders."""
