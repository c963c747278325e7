"""The pharmacy: tocilizumab and corticosteroid orders from the ward to the patient, and the tocilizumab stock.

Doses, vials and delays are the library's (`iectox.management.dosing`, `corticosteroid_dosing`, `vials`,
`order_delays`); this app keeps the orders, their steps (who, when) and the stock, and shows them.
"""
