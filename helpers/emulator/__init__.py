"""The offline Twilio emulator."""
