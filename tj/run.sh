while true; do echo tick; sleep 0.2; done
