"""Natural-language understanding for Shopbot: turning a shopper's message into structured facts."""
