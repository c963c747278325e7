"""The bedside: a patient's timeline (observations chart, episodes and their ASTCT grades, doses, the audit's
findings) and the nurses' observation form, which shows the grades and what the pathway in force says next."""
