"""Shopbot's custom actions for an existing Rasa assistant: thin rasa-sdk adapters over the chat server's core.

Serve them with `python -m rasa_sdk --actions actions` (port 5055) or `shopbot actions`:

    action_search_products          search under the search slots; results and focus as slots
    action_answer_product_question  answer about the focused / named product from catalog facts
    action_recommend_products       a few well-rated picks, with the reasons
    action_compare_products         the named products side by side
    action_order_status             an order's status from its number
    action_handoff                  a person takes over: handoff payload + ConversationPaused
    validate_product_search_form    fills and checks category, budget, colour, size, brand

Slot names are in actions/slots.py; actions/rasa_example/ holds a domain.yml and an
endpoints.yml to start from. Importing this package loads nothing heavy: the catalog,
index and models open on the first action call (actions/resources.py), once per process.
"""
