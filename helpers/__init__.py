"""Helpers for the Twilio SMS/MMS tutorial."""
