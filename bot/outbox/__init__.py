"""Pushes to people who are not chatting right now: the outbox and everything that feeds or
drains it.

- `delivery`: what every channel shares to send (rate limits, retries, the outcomes of a send)
  and the two shapes a channel package provides (`Channel`, `ChannelRunner`);
- `scheduler`: queues the scheduled pushes (digests, reminders) once each, from the clock;
- `worker`: delivers each queued push exactly once, or says why it could not.

Notices (an assessment verified, returned…) are queued by the chat service itself
(`bot/notices.py`), in the transaction of the change they announce. The bootstrap builds the
scheduler and the worker; bot.channels runs them beside the channels. This package imports no
channel: channels import `delivery` from here.
"""
