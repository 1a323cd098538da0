"""The imperative shell: the only code that talks to Kafka through Faust/aiokafka."""
