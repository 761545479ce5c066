import PlanCommands

PlanCommand.main()
