variable "region" {
  description = "Alibaba Cloud region, e.g. cn-hangzhou"
  type        = string
  default     = "cn-hangzhou"
}

variable "name" {
  description = "Name prefix of every resource"
  type        = string
  default     = "physician-platform"
}

variable "zones" {
  description = "Two availability zones for the database, Redis and compute"
  type        = list(string)
  default     = ["cn-hangzhou-i", "cn-hangzhou-j"]
}

variable "image_id" {
  description = "Image with the platform installed (built by CI from this repository)"
  type        = string
}

variable "web_count" {
  type    = number
  default = 2
}

variable "worker_count" {
  type    = number
  default = 2
}

variable "web_instance_type" {
  type    = string
  default = "ecs.c7.xlarge"
}

variable "db_instance_class" {
  type    = string
  default = "pg.n4.2c.2m"
}

variable "db_storage_gb" {
  type    = number
  default = 200
}

variable "db_password" {
  type      = string
  sensitive = true
}
