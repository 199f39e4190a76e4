"""What happens after a report ran: notices to people (:mod:`.notify`) and publishing to S3
(:mod:`.publish`). Neither can change a report or, for notices, the exit status."""
